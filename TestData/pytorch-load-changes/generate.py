#!/usr/bin/env python3
"""Writes torch checkpoints whose values torch.load changes after the rebuild, and `expected.json`.

Run from the repository root: `python3 TestData/pytorch-load-changes/generate.py` (needs torch).
From hunt-63a (an adversarial test of the torch reader): each file stores values that
`torch.load(weights_only=True)` does not return, so a report of the stored bytes is a report of
numbers the loaded model does not hold. tensoraudit refuses them; this script records torch's
own answer for every file (`torch`: its tensors, names, shapes, dtypes, requires_grad and
values as hex of their bytes, or the error it raises) beside what tensoraudit must do (`tool`).

- H1, `build-*`, `param-build-*`, `legacy-build-empty.bin`: a BUILD after a tensor's rebuild.
  On a plain tensor torch's weights-only unpickler runs `inst.set_(*state)`: an empty state
  empties it, others fail. On an nn.Parameter it runs `__setstate__`, which takes
  `(requires_grad, _, hooks)` (`param-build-ok.pt`, read with requires_grad set) and fails on
  other states.
- H2, `attr-*`: a saved Python attribute `real`/`imag` (`_rebuild_from_type_v2`'s state, or
  `_rebuild_parameter_with_state`'s), which `setattr` writes into every element.
- H3, `meta-*`: `_rebuild_tensor_v2` metadata `neg`/`conj`, written by a plain torch.save of
  `t._neg_view()`, `z.conj()`, `z.conj().imag`; torch.load negates/conjugates the stored values.
- M1, `newobj-set.pt`, `value-*`: a tensor given to `set.__new__` (ignored) or to a global that
  builds a plain value of it (`complex(t)`, `bytearray(t)`, `torch.Size((t,))`, `torch.device`).
- torch-64b (the four gaps hunt-63a left):
  `frame-*`: protocol 4's FRAME must hold whole opcodes (Python's pickle.py refuses one that
  cuts a read in two; the C unpickler of weights_only=False does not check frame ends (it fails, misreads or, by chance, reads the same values); the
  default weights_only=True refuses every FRAME), recorded with both unpicklers' answers.
  `param-build-*` (two BUILDs): torch.load runs `Parameter.__setstate__` once per BUILD.
  `notdict-*`: a truthy value that is not a dict where torch.load takes a dict or anything
  false (rebuild metadata, saved Python attributes, an OrderedDict's or Counter's BUILD state);
  `false-*`: the false values it skips. `hooks-*`: tensors in a rebuild's backward_hooks, which
  torch.load keeps as `_backward_hooks` and returns under no name.
- torch-65a (hunt-64c's leftovers): `named-in-*` (a named tensor also in hooks, attributes or an
  OrderedDict's attributes: read), `frame-too-long.pt`/`frame-over-maxsize.pt` (a FRAME longer
  than the pickle, with both unpicklers' answers), `notdict-build-{set-call,size,bytes}.pt` and
  `false-build-{set-call,size}.pt` (BUILD on a set() call, a torch.Size, bytes), `attr-dtype.pt`,
  `attr-shape.pt`, `attr-param-is_leaf.pt` and `read-only-attributes.json` (attributes torch's
  setattr refuses), `build-shared-{state,hooks}.pt` (BUILD states shared through the memo).
- `saved-ok.pt`, `meta-other-key.pt`: what torch.save writes (tensors, Parameters with and
  without requires_grad, tensors and Parameters with Python attributes) and metadata keys torch
  ignores: read, equal to torch.
"""
import json
import os
import sys
import pickle
import struct
import zipfile

import io
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from torch_by_hand import G, U, I, write_zip  # noqa: E402  (TestData/torch_by_hand.py)


def path(name):
    return os.path.join(HERE, name)


def F(x):
    return b"G" + struct.pack(">d", x)


MARK, TUPLE, REDUCE, NEWOBJ, BUILD = b"(", b"t", b"R", b"\x81", b"b"
EMPTY_DICT, EMPTY_TUPLE, EMPTY_LIST, EMPTY_SET, SETITEM, APPEND = b"}", b")", b"]", b"\x8f", b"s", b"a"
NONE, TRUE, FALSE, TUPLE1, TUPLE2, TUPLE3 = b"N", b"\x88", b"\x89", b"\x85", b"\x86", b"\x87"
ODICT = G("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE
NAN = float("nan")


def storage(key, cls="FloatStorage", count=4, legacy=False):
    return (MARK + U("storage") + G("torch", cls) + U(key) + U("cpu") + I(count) + (NONE if legacy else b"") + TUPLE + b"Q")


def v2_arguments(key, size=(4,), stride=(1,), offset=0, cls="FloatStorage", count=4, metadata=b"", legacy=False):
    """The argument tuple of _rebuild_tensor_v2 (metadata: the pickled 7th argument, or none)."""
    return (MARK + storage(key, cls, count, legacy) + I(offset) + MARK + b"".join(map(I, size)) + TUPLE
            + MARK + b"".join(map(I, stride)) + TUPLE + FALSE + ODICT + metadata + TUPLE)


def tensor(key, **options):
    return G("torch._utils", "_rebuild_tensor_v2") + v2_arguments(key, **options) + REDUCE


def typed(key, state, new_type=("torch", "Tensor"), **options):
    """_rebuild_from_type_v2(_rebuild_tensor_v2, new_type, (…), state): a tensor with Python attributes."""
    return (G("torch._tensor", "_rebuild_from_type_v2") + MARK + G("torch._utils", "_rebuild_tensor_v2") + G(*new_type)
            + v2_arguments(key, **options) + state + TUPLE + REDUCE)


def parameter(inner, requires_grad=False, state=None):
    name = "_rebuild_parameter" if state is None else "_rebuild_parameter_with_state"
    return (G("torch._utils", name) + MARK + inner + (TRUE if requires_grad else FALSE) + ODICT + (state or b"") + TUPLE + REDUCE)


def f32(*values):
    return struct.pack(f"<{len(values)}f", *values)


OK = f32(1, 2, 3, 4)


def write(name, body, storages, header=b"\x80\x02"):
    write_zip(path(name), body, storages, header)


def FRAME(length):
    return b"\x95" + struct.pack("<Q", length)


def unpicklers_view(name):
    """What CPython's two unpicklers make of data.pkl: the C one torch.load(weights_only=False)
    runs (on the zip, through torch.load), and pickle.py's (its globals and persistent ids
    returned as text, so only the stream's reading is tried)."""
    view = {"weights_only_false": torch_view(name, weights_only=False)}

    class Stream(pickle._Unpickler):
        def find_class(self, module, name):
            return lambda *args: f"{module}.{name}{args}"

        def persistent_load(self, pid):
            return pid

    with zipfile.ZipFile(path(name)) as archive:
        data = archive.read(next(n for n in archive.namelist() if n.endswith("/data.pkl")))
    try:
        Stream(io.BytesIO(data)).load()
        view["pickle_py"] = "reads"
    except Exception as error:  # noqa: BLE001
        view["pickle_py"] = f"{type(error).__name__}: {error}"
    return view


def write_legacy(name, body, records):
    """torch.save's format before 1.6: magic, protocol, sys info, the object, the storage keys, records."""
    out = pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2) + pickle.dumps(1001, protocol=2)
    out += pickle.dumps({"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)
    out += b"\x80\x02" + body + b"." + pickle.dumps(list(records), protocol=2)
    for data in records.values():
        out += struct.pack("<q", len(data) // 4) + data
    with open(path(name), "wb") as f:
        f.write(out)


def saved(name, obj):
    """A file torch.save writes, its entry dates fixed so the bytes do not change between runs."""
    torch.save(obj, path(name))
    with zipfile.ZipFile(path(name)) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path(name), "w", zipfile.ZIP_STORED) as archive:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.external_attr = 0o600 << 16
            archive.writestr(fixed, data)


def flat(value, where, out):
    if isinstance(value, torch.Tensor):
        out[where] = value
    elif isinstance(value, dict):
        for key, inner in value.items():
            flat(inner, f"{where}.{key}" if where else str(key), out)
    elif isinstance(value, (list, tuple)):
        for index, inner in enumerate(value):
            flat(inner, f"{where}.{index}" if where else str(index), out)
    return out


def torch_view(name, weights_only=True):
    """What torch.load(weights_only=True) returns: each tensor's facts and values, or its error."""
    try:
        loaded = torch.load(path(name), weights_only=weights_only)
    except Exception as error:  # noqa: BLE001 — recorded, whatever torch raises
        return {"loads": False, "error": f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"}
    tensors = {}
    for key, t in flat(loaded, "", {}).items():
        requires_grad = t.requires_grad
        t = t.detach().resolve_conj().resolve_neg().contiguous()
        tensors[key] = {"dtype": str(t.dtype).removeprefix("torch."), "shape": list(t.shape), "requires_grad": requires_grad,
                        "values": str(t.tolist()), "bytes_hex": t.numpy().tobytes().hex()}
    return {"loads": True, "tensors": tensors, "result": repr(loaded)[:300]}


def refused(tensor_name, reason_has):
    return {"error": "invalid-tensor", "tensor": tensor_name, "reason_has": reason_has}


def pickle_malformed(reason_has):
    return {"error": "pickle-malformed", "reason_has": reason_has}


def unnamed(near, place_has):
    return {"error": "unnamed-tensor", "near": near, "place_has": place_has}


def write_read_only_attributes():
    """`read-only-attributes.json`: every name of dir(torch.Tensor) that setattr refuses on a
    tensor and on an nn.Parameter whatever the value (None, a number, a string, a bool, a dict,
    a list, a tensor) as read-only ("not writable", "has no setter"): torch.load applies saved
    Python attributes with setattr, so such a name fails it (hunt-64c L6)."""
    values = [None, 3, 1.5, "x", True, {}, [1], torch.zeros(4)]
    names = []
    for name in sorted(set(dir(torch.Tensor))):
        refusals = []
        for make in (lambda: torch.tensor([1.0, 2.0]), lambda: torch.nn.Parameter(torch.tensor([1.0, 2.0]))):
            for value in values:
                try:
                    setattr(make(), name, value)
                    refusals.append(False)
                except AttributeError as error:
                    refusals.append("not writable" in str(error) or "has no setter" in str(error))
                except Exception:  # noqa: BLE001 — a setter that checks the value
                    refusals.append(False)
        if all(refusals):
            names.append(name)
    with open(path("read-only-attributes.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "read_only": names}, f, indent=1)
        f.write("\n")


def main():
    files = {}
    empties = {
        "tuple": EMPTY_TUPLE, "dict": EMPTY_DICT, "list": EMPTY_LIST, "str": U(""), "set": EMPTY_SET,
        "shortbinstring": b"U\x00",  # SHORT_BINSTRING of no bytes
    }
    empty_reason = "a BUILD with an empty state follows its rebuild, which torch.load applies as set_() and so empties the tensor"
    fails_reason = "whose state torch.load passes to set_(*state), which fails on it"

    # H1: {'w': t} with BUILD after the rebuild. torch.load: {'w': tensor([])}.
    for kind, state in empties.items():
        write(f"build-empty-{kind}.pt", EMPTY_DICT + U("w") + tensor("0") + state + BUILD + SETITEM, {"0": OK})
        files[f"build-empty-{kind}.pt"] = refused("w", empty_reason)
    write("build-twice.pt", EMPTY_DICT + U("w") + tensor("0") + EMPTY_TUPLE + BUILD + EMPTY_TUPLE + BUILD + SETITEM, {"0": OK})
    files["build-twice.pt"] = refused("w", empty_reason)
    # 'w': t stored first, then 'x': GET(t) () BUILD: torch empties the one object, under both names.
    write("build-later.pt", EMPTY_DICT + U("w") + tensor("0") + b"q\x07" + SETITEM + U("x") + b"h\x07" + EMPTY_TUPLE + BUILD + SETITEM,
          {"0": OK})
    files["build-later.pt"] = refused("w", empty_reason)
    write("build-fromtype-empty.pt", EMPTY_DICT + U("w") + typed("0", EMPTY_DICT) + EMPTY_TUPLE + BUILD + SETITEM, {"0": OK})
    files["build-fromtype-empty.pt"] = refused("w", empty_reason)
    # States torch.load fails on: {'a': 1} (set_('a')), (2,), None.
    write("build-dict.pt", EMPTY_DICT + U("w") + tensor("0") + EMPTY_DICT + U("a") + I(1) + SETITEM + BUILD + SETITEM, {"0": OK})
    files["build-dict.pt"] = refused("w", fails_reason)
    write("build-int.pt", EMPTY_DICT + U("w") + tensor("0") + I(2) + TUPLE1 + BUILD + SETITEM, {"0": OK})
    files["build-int.pt"] = refused("w", fails_reason)
    write("build-none.pt", EMPTY_DICT + U("w") + tensor("0") + NONE + BUILD + SETITEM, {"0": OK})
    files["build-none.pt"] = refused("w", fails_reason)
    # A BUILD on the tensor inside a Parameter: set_() empties it before the Parameter is made.
    write("param-inner-build-empty.pt", EMPTY_DICT + U("w") + parameter(tensor("0") + EMPTY_TUPLE + BUILD) + SETITEM, {"0": OK})
    files["param-inner-build-empty.pt"] = refused("w", empty_reason)
    # Parameter.__setstate__: () fails ("not enough values to unpack"); (True, None, {}) on an
    # int64 Parameter fails (it cannot require gradients); on a float32 one it sets requires_grad.
    write("param-build-empty.pt", EMPTY_DICT + U("w") + parameter(tensor("0")) + EMPTY_TUPLE + BUILD + SETITEM, {"0": OK})
    files["param-build-empty.pt"] = refused("w", "is not the (requires_grad, _, backward_hooks) torch.load's Parameter.__setstate__ unpacks")
    write("param-build-int-grad.pt",
          EMPTY_DICT + U("w") + parameter(tensor("0", size=(2,), cls="LongStorage", count=2)) + MARK + TRUE + NONE + EMPTY_DICT + TUPLE
          + BUILD + SETITEM, {"0": struct.pack("<2q", 1, 2)})
    files["param-build-int-grad.pt"] = refused("w", "it requires gradients but is int64")
    write("param-build-ok.pt", EMPTY_DICT + U("w") + parameter(tensor("0")) + MARK + TRUE + NONE + ODICT + TUPLE + BUILD + SETITEM,
          {"0": OK})
    files["param-build-ok.pt"] = {"tensors": ["w"], "requires_grad": {"w": True}}
    write("param-build-twice.pt", EMPTY_DICT + U("w") + parameter(tensor("0")) + (MARK + TRUE + NONE + ODICT + TUPLE + BUILD) * 2
          + SETITEM, {"0": OK})
    # torch.load runs Parameter.__setstate__ once per BUILD: requires_grad is the last one's.
    files["param-build-twice.pt"] = {"tensors": ["w"], "requires_grad": {"w": True}}
    def setstate(flag):
        return MARK + flag + NONE + ODICT + TUPLE + BUILD
    write("param-build-true-false.pt", EMPTY_DICT + U("w") + parameter(tensor("0")) + setstate(TRUE) + setstate(FALSE) + SETITEM, {"0": OK})
    files["param-build-true-false.pt"] = {"tensors": ["w"], "requires_grad": {"w": False}}
    write("param-build-false-true.pt", EMPTY_DICT + U("w") + parameter(tensor("0"), requires_grad=True) + setstate(FALSE) + setstate(TRUE)
          + SETITEM, {"0": OK})
    files["param-build-false-true.pt"] = {"tensors": ["w"], "requires_grad": {"w": True}}
    # A list state unpacks as a tuple does.
    write("param-build-list.pt", EMPTY_DICT + U("w") + parameter(tensor("0")) + EMPTY_LIST + MARK + TRUE + NONE + ODICT + b"e" + BUILD
          + SETITEM, {"0": OK})
    files["param-build-list.pt"] = {"tensors": ["w"], "requires_grad": {"w": True}}
    # The second state () fails __setstate__; an int64 Parameter made to require gradients by the
    # first fails there, though the second would unset it.
    write("param-build-then-empty.pt", EMPTY_DICT + U("w") + parameter(tensor("0")) + setstate(TRUE) + EMPTY_TUPLE + BUILD + SETITEM,
          {"0": OK})
    files["param-build-then-empty.pt"] = refused("w", "the second of the 2 BUILDs after its rebuild has a state that is not the (requires_grad")
    write("param-build-int-true-false.pt", EMPTY_DICT + U("w") + parameter(tensor("0", size=(2,), cls="LongStorage", count=2))
          + setstate(TRUE) + setstate(FALSE) + SETITEM, {"0": struct.pack("<2q", 1, 2)})
    files["param-build-int-true-false.pt"] = refused("w", "it requires gradients but is int64")
    # The legacy (pre-1.6) stream: {'w': t} with () BUILD; torch.load: {'w': tensor([])}.
    write_legacy("legacy-build-empty.bin", EMPTY_DICT + U("w") + tensor("k0", legacy=True) + EMPTY_TUPLE + BUILD + SETITEM, {"k0": OK})
    files["legacy-build-empty.bin"] = refused("w", empty_reason)

    # H2: saved attribute real/imag. torch.load fills every element with the value.
    real_reason = "its saved attribute real overwrites the tensor's values in torch.load"
    write("attr-real-nan.pt", EMPTY_DICT + U("w") + typed("0", EMPTY_DICT + U("real") + F(NAN) + SETITEM) + SETITEM, {"0": OK})
    files["attr-real-nan.pt"] = refused("w", real_reason)
    write("attr-real-slots.pt", EMPTY_DICT + U("w") + typed("0", NONE + EMPTY_DICT + U("real") + F(1e30) + SETITEM + TUPLE2) + SETITEM,
          {"0": OK})
    files["attr-real-slots.pt"] = refused("w", real_reason)
    write("attr-param-real.pt", EMPTY_DICT + U("w") + parameter(tensor("0"), state=EMPTY_DICT + U("real") + F(float("inf")) + SETITEM)
          + SETITEM, {"0": OK})
    files["attr-param-real.pt"] = refused("w", real_reason)
    write("attr-imag-complex.pt", EMPTY_DICT + U("c") + typed("c", EMPTY_DICT + U("imag") + F(NAN) + SETITEM, size=(2,),
                                                               cls="ComplexFloatStorage", count=2) + SETITEM, {"c": OK})
    files["attr-imag-complex.pt"] = refused("c", "its saved attribute imag overwrites the tensor's values in torch.load")
    # 'a' plain over storage 0; 'z' a 1-element view of element 1 with {'real': nan}: torch.load
    # returns a = [1, nan, 3, 4] — the attribute reaches a tensor that looks ordinary.
    write("attr-real-shared.pt", EMPTY_DICT + U("a") + tensor("0") + SETITEM + U("z")
          + typed("0", EMPTY_DICT + U("real") + F(NAN) + SETITEM, size=(1,), offset=1) + SETITEM, {"0": OK})
    files["attr-real-shared.pt"] = refused("z", real_reason)

    # The legacy stream copies the records into the storages after unpickling, over the fill:
    # torch.load returns the stored [1, 2, 3, 4], so this one is read.
    write_legacy("legacy-attr-real.bin", EMPTY_DICT + U("w") + typed("k0", EMPTY_DICT + U("real") + F(NAN) + SETITEM, legacy=True)
                 + SETITEM, {"k0": OK})
    files["legacy-attr-real.bin"] = {"tensors": ["w"]}

    # H3: metadata neg / conj, from a plain torch.save.
    t = torch.tensor([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])
    z = torch.tensor([1 + 2j, 3 - 4j, -5 + 6j], dtype=torch.complex64)
    saved("meta-neg.pt", {"n": t._neg_view()})
    files["meta-neg.pt"] = refused("n", "its rebuild metadata holds 'neg'")
    saved("meta-imag-of-conj.pt", {"imag_of_conj": z.conj().imag})
    files["meta-imag-of-conj.pt"] = refused("imag_of_conj", "torch.load negates its stored values, which tensoraudit does not apply")
    saved("meta-conj.pt", {"c": z.conj()})
    files["meta-conj.pt"] = refused("c", "torch.load conjugates its stored values")
    # torch negates whenever the key is there: {'neg': False}.
    write("meta-neg-false.pt", EMPTY_DICT + U("w") + tensor("0", metadata=EMPTY_DICT + U("neg") + FALSE + SETITEM) + SETITEM, {"0": OK})
    files["meta-neg-false.pt"] = refused("w", "its rebuild metadata holds 'neg'")
    write("meta-conj-float.pt", EMPTY_DICT + U("w") + tensor("0", metadata=EMPTY_DICT + U("conj") + TRUE + SETITEM) + SETITEM, {"0": OK})
    files["meta-conj-float.pt"] = refused("w", "its rebuild metadata holds 'conj', on which torch.load fails for a float32 tensor")
    write("meta-other-key.pt", EMPTY_DICT + U("w") + tensor("0", metadata=EMPTY_DICT + U("x") + I(1) + SETITEM) + SETITEM, {"0": OK})
    files["meta-other-key.pt"] = {"tensors": ["w"]}

    # M1: {'w': t0, 's': set.__new__(set, [t1])}: torch.load returns s = set().
    two = {"0": OK, "1": f32(NAN, NAN, NAN, NAN)}
    write("newobj-set.pt", EMPTY_DICT + U("w") + tensor("0") + SETITEM + U("s") + G("builtins", "set") + MARK + EMPTY_LIST + tensor("1")
          + APPEND + TUPLE + NEWOBJ + SETITEM, two)
    files["newobj-set.pt"] = {"tensors": ["w"]}
    values = {"0": OK, "1": f32(NAN), "2": struct.pack("<q", 3), "3": b"ABC"}
    write("value-complex.pt", EMPTY_DICT + U("w") + tensor("0") + SETITEM + U("c") + G("builtins", "complex") + MARK
          + tensor("1", size=(), stride=(), count=1) + TUPLE + REDUCE + SETITEM, values)
    files["value-complex.pt"] = unnamed("c", "in the arguments of builtins.complex")
    write("value-bytearray.pt", EMPTY_DICT + U("w") + tensor("0") + SETITEM + U("b") + G("builtins", "bytearray") + MARK
          + tensor("3", size=(3,), cls="ByteStorage", count=3) + TUPLE + REDUCE + SETITEM, values)
    files["value-bytearray.pt"] = unnamed("b", "in the arguments of builtins.bytearray")
    write("value-size.pt", EMPTY_DICT + U("w") + tensor("0") + SETITEM + U("s") + G("torch", "Size") + MARK + MARK
          + tensor("2", size=(), stride=(), cls="LongStorage", count=1) + TUPLE + TUPLE + REDUCE + SETITEM, values)
    files["value-size.pt"] = unnamed("s", "in the arguments of torch.Size")
    write("value-device.pt", EMPTY_DICT + U("w") + tensor("0") + SETITEM + U("d") + G("torch", "device") + MARK + U("cpu")
          + tensor("2", size=(), stride=(), cls="LongStorage", count=1) + TUPLE + REDUCE + SETITEM, values)
    files["value-device.pt"] = unnamed("d", "in the arguments of torch.device")

    # torch-64b item 3: a truthy value that is not a dict where torch.load takes a dict (or
    # anything false): torch.load fails; a false one is skipped.
    not_dict = {"list": EMPTY_LIST + I(1) + APPEND, "tuple": I(1) + TUPLE1, "int": I(1), "str": U("neg"), "true": TRUE,
                "nan": F(NAN), "dtype": G("torch", "float32")}
    false = {"none": NONE, "zero": I(0), "emptylist": EMPTY_LIST, "emptytuple": EMPTY_TUPLE, "emptystr": U("")}
    for kind, value in not_dict.items():
        write(f"notdict-meta-{kind}.pt", EMPTY_DICT + U("w") + tensor("0", metadata=value) + SETITEM, {"0": OK})
        files[f"notdict-meta-{kind}.pt"] = refused("w", "its rebuild metadata is a")
    for kind, value in false.items():
        write(f"false-meta-{kind}.pt", EMPTY_DICT + U("w") + tensor("0", metadata=value) + SETITEM, {"0": OK})
        files[f"false-meta-{kind}.pt"] = {"tensors": ["w"]}
    write("notdict-meta-intkey.pt", EMPTY_DICT + U("w") + tensor("0", metadata=EMPTY_DICT + I(1) + TRUE + SETITEM) + SETITEM, {"0": OK})
    files["notdict-meta-intkey.pt"] = refused("w", "its rebuild metadata has a key that is not text")
    write("notdict-meta-strvalue.pt", EMPTY_DICT + U("w") + tensor("0", metadata=EMPTY_DICT + U("x") + U("a") + SETITEM) + SETITEM, {"0": OK})
    files["notdict-meta-strvalue.pt"] = refused("w", "or a value that is not None, a bool or a number")
    for kind in ("list", "int", "str", "true"):
        write(f"notdict-attr-{kind}.pt", EMPTY_DICT + U("w") + typed("0", not_dict[kind]) + SETITEM, {"0": OK})
        files[f"notdict-attr-{kind}.pt"] = refused("w", "its saved Python attributes are a")
        write(f"notdict-param-attr-{kind}.pt", EMPTY_DICT + U("w") + parameter(tensor("0"), state=not_dict[kind]) + SETITEM, {"0": OK})
        files[f"notdict-param-attr-{kind}.pt"] = refused("w", "its saved Python attributes are a")
    write("notdict-attr-slots-list.pt", EMPTY_DICT + U("w") + typed("0", EMPTY_DICT + not_dict["list"] + TUPLE2) + SETITEM, {"0": OK})
    files["notdict-attr-slots-list.pt"] = refused("w", "the slots part of its saved Python attributes is a list")
    write("notdict-attr-intkey.pt", EMPTY_DICT + U("w") + typed("0", EMPTY_DICT + I(1) + I(2) + SETITEM) + SETITEM, {"0": OK})
    files["notdict-attr-intkey.pt"] = refused("w", "a dict with a key that is not text")
    for kind in ("none", "emptylist", "zero"):
        write(f"false-attr-{kind}.pt", EMPTY_DICT + U("w") + parameter(tensor("0"), state=false[kind]) + SETITEM, {"0": OK})
        files[f"false-attr-{kind}.pt"] = {"tensors": ["w"]}
    write("false-attr-pair.pt", EMPTY_DICT + U("w") + typed("0", NONE + EMPTY_LIST + TUPLE2) + SETITEM, {"0": OK})
    files["false-attr-pair.pt"] = {"tensors": ["w"]}
    # An OrderedDict's BUILD state: the weights-only unpickler runs __dict__.update(state).
    holder = G("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE + U("w") + tensor("0") + SETITEM
    update_fails = {"int": I(1), "none": NONE, "false": FALSE, "str": U("ab"), "list": EMPTY_LIST + I(1) + APPEND}
    for kind, state in update_fails.items():
        write(f"notdict-odict-state-{kind}.pt", holder + state + BUILD, {"0": OK})
        files[f"notdict-odict-state-{kind}.pt"] = {"error": "not-a-torch-checkpoint", "reason_has": "the OrderedDict gets a BUILD whose state is"}
    write("notdict-odict-state-twice.pt", holder + I(1) + BUILD + EMPTY_DICT + BUILD, {"0": OK})
    files["notdict-odict-state-twice.pt"] = {"error": "not-a-torch-checkpoint", "reason_has": "the OrderedDict gets a BUILD whose state is an int"}
    write("false-meta-emptybytes.pt", EMPTY_DICT + U("w") + tensor("0", metadata=G("_codecs", "encode") + U("") + U("latin1") + TUPLE2
          + REDUCE) + SETITEM, {"0": OK})
    files["false-meta-emptybytes.pt"] = {"tensors": ["w"]}
    update_takes = {"dict": EMPTY_DICT + U("_metadata") + EMPTY_DICT + SETITEM, "pairs": EMPTY_LIST + U("_metadata") + EMPTY_DICT + TUPLE2 + APPEND,
                    "emptylist": EMPTY_LIST, "emptystr": U(""), "twochars": U("ab") + TUPLE1}
    for kind, state in update_takes.items():
        write(f"false-odict-state-{kind}.pt", holder + state + BUILD, {"0": OK})
        files[f"false-odict-state-{kind}.pt"] = {"tensors": ["w"]}
    counter = EMPTY_DICT + U("w") + tensor("0") + SETITEM + U("c") + G("collections", "Counter") + EMPTY_TUPLE + REDUCE
    write("notdict-counter-state-int.pt", counter + I(1) + BUILD + SETITEM, {"0": OK})
    files["notdict-counter-state-int.pt"] = {"error": "not-a-torch-checkpoint", "reason_has": "the Counter at 'c' gets a BUILD whose state is"}
    write("false-counter-state-zero.pt", counter + I(0) + BUILD + SETITEM, {"0": OK})
    files["false-counter-state-zero.pt"] = {"tensors": ["w"]}

    # A BUILD on a dict, list or tuple fails in the weights-only unpickler ("Can only build
    # Tensor, Parameter, OrderedDict …"); on a set (an allowed type) only a false state passes.
    write("notdict-build-dict.pt", EMPTY_DICT + U("w") + tensor("0") + SETITEM + EMPTY_DICT + BUILD, {"0": OK})
    files["notdict-build-dict.pt"] = {"error": "not-a-torch-checkpoint", "reason_has": "a BUILD on a dict at the top level"}
    write("notdict-build-list.pt", EMPTY_DICT + U("w") + EMPTY_LIST + tensor("0") + APPEND + EMPTY_DICT + BUILD + SETITEM, {"0": OK})
    files["notdict-build-list.pt"] = {"error": "not-a-torch-checkpoint", "reason_has": "a BUILD on a list at 'w'"}
    write("notdict-build-set.pt", EMPTY_DICT + U("w") + tensor("0") + SETITEM + U("s") + EMPTY_SET + EMPTY_DICT + U("x") + I(1) + SETITEM
          + BUILD + SETITEM, {"0": OK})
    files["notdict-build-set.pt"] = {"error": "not-a-torch-checkpoint", "reason_has": "a BUILD on a set at 's' has a state that is not empty"}
    write("false-build-set.pt", EMPTY_DICT + U("w") + tensor("0") + SETITEM + U("s") + EMPTY_SET + EMPTY_DICT + BUILD + SETITEM, {"0": OK})
    files["false-build-set.pt"] = {"tensors": ["w"]}
    # A saved attribute `data`: setattr replaces the tensor's data with a tensor, fails on others.
    write("attr-data-int.pt", EMPTY_DICT + U("w") + typed("0", EMPTY_DICT + U("data") + I(1) + SETITEM) + SETITEM, {"0": OK})
    files["attr-data-int.pt"] = refused("w", "its saved attribute data is set by torch.load with setattr")
    nines = {"0": OK, "1": f32(9, 9, 9, 9)}
    write("attr-param-data-tensor.pt", EMPTY_DICT + U("w") + parameter(tensor("0"), state=EMPTY_DICT + U("data") + tensor("1") + SETITEM)
          + SETITEM, nines)
    files["attr-param-data-tensor.pt"] = unnamed("w", "in a tensor's Python attributes")
    write("attr-param-tensor.pt", EMPTY_DICT + U("w") + parameter(tensor("0"), state=EMPTY_DICT + U("x") + tensor("1") + SETITEM)
          + SETITEM, nines)
    files["attr-param-tensor.pt"] = unnamed("w", "in a tensor's Python attributes")

    # torch-64b item 4: a tensor in a rebuild's backward_hooks: torch.load sets it as the
    # tensor's _backward_hooks, returned under no name. Refused; a hooks value that holds no
    # tensor is read past.
    hooks_place = "in a tensor's backward hooks"
    hooks = G("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE + I(0) + tensor("1") + SETITEM
    two = {"0": OK, "1": f32(NAN, NAN, NAN, NAN)}
    write("hooks-parameter.pt", EMPTY_DICT + U("w") + G("torch._utils", "_rebuild_parameter") + MARK + tensor("0") + FALSE + hooks + TUPLE
          + REDUCE + SETITEM, two)
    files["hooks-parameter.pt"] = unnamed("w", hooks_place)
    write("hooks-parameter-state.pt", EMPTY_DICT + U("w") + G("torch._utils", "_rebuild_parameter_with_state") + MARK + tensor("0") + FALSE
          + hooks + EMPTY_DICT + TUPLE + REDUCE + SETITEM, two)
    files["hooks-parameter-state.pt"] = unnamed("w", hooks_place)
    write("hooks-tensor.pt", EMPTY_DICT + U("w") + G("torch._utils", "_rebuild_tensor_v2") + MARK + storage("0") + I(0) + MARK + I(4) + TUPLE
          + MARK + I(1) + TUPLE + FALSE + hooks + TUPLE + REDUCE + SETITEM, two)
    files["hooks-tensor.pt"] = unnamed("w", hooks_place)
    write("hooks-int.pt", EMPTY_DICT + U("w") + G("torch._utils", "_rebuild_parameter") + MARK + tensor("0") + FALSE + I(5) + TUPLE
          + REDUCE + SETITEM, {"0": OK})
    files["hooks-int.pt"] = {"tensors": ["w"]}
    # An OrderedDict's first BUILD state holds a tensor, the second is empty: torch.load applies both.
    write("build-state-earlier.pt", G("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE + U("w") + tensor("0") + SETITEM + EMPTY_DICT
          + U("x") + tensor("1") + SETITEM + BUILD + EMPTY_DICT + BUILD, two)
    files["build-state-earlier.pt"] = unnamed("", "in an OrderedDict's attributes")

    # torch-64b item 1: FRAME (protocol 4). torch.load's default refuses every FRAME; the
    # reader follows Python's pickle.py on where a frame may end.
    body = EMPTY_DICT + U("w") + tensor("0") + SETITEM
    proto4 = b"\x80\x04"
    frames = {
        # The 5-byte frame ends inside BINUNICODE's 4-byte length (hunt-63a's o_frame.pt).
        "frame-cut-length.pt": (proto4 + FRAME(5), pickle_malformed("cuts the BINUNICODE at byte 12 in two: its 4-byte read from byte 13 runs to byte 17")),
        # It ends inside GLOBAL's module line: the C unpickler reads the line on after the frame.
        "frame-cut-global.pt": (proto4 + FRAME(len(EMPTY_DICT + U("w")) + 5),
                                pickle_malformed("cuts the GLOBAL at byte 18 in two: its text line from byte 19 has no newline before the frame ends")),
        # A FRAME inside a frame (which the C unpickler reads when it fits).
        "frame-nested.pt": (proto4 + FRAME(len(body) + 1 + 9) + FRAME(len(body) + 1),
                            pickle_malformed("a FRAME begins at byte 11 inside the frame of the FRAME at byte 2")),
    }
    for name, (header, tool) in frames.items():
        write(name, body, {"0": OK}, header=header)
        files[name] = tool
    # Frames that end between reads: after BINUNICODE's opcode byte (its length is read on after
    # the frame), then a frame of the tensor only; both CPython unpicklers read it.
    whole = EMPTY_DICT + U("w")
    write("frame-between-reads.pt", whole[1 + 1:] + FRAME(len(tensor("0"))) + tensor("0") + SETITEM, {"0": OK},
          header=proto4 + FRAME(2) + whole[:2])
    files["frame-between-reads.pt"] = {"tensors": ["w"], "torch_from": "weights_only_false"}

    # What torch.save writes: still read, equal to torch.
    torch.manual_seed(0)
    plain = torch.randn(2, 3)
    attributed = torch.randn(3)
    attributed.note = "kept"
    grad = torch.nn.Parameter(torch.randn(2))
    grad.note = 7
    saved("saved-ok.pt", {"t": plain, "p": torch.nn.Parameter(torch.randn(2), requires_grad=False), "g": grad, "a": attributed,
                          "h": torch.randn(2, dtype=torch.float16)})
    files["saved-ok.pt"] = {"tensors": ["t", "p", "g", "a", "h"], "requires_grad": {"p": False, "g": True}}

    # torch-65a (hunt-64c L3): a tensor of the state dict that is also in another tensor's
    # backward hooks, Python attributes or an OrderedDict's attributes (the memo shares the one
    # object): torch.load returns it under its name, so it is read; a tensor only there is not.
    def BINPUT(index):
        return b"r" + struct.pack("<I", index)

    def BINGET(index):
        return b"j" + struct.pack("<I", index)
    nines = {"0": OK, "1": f32(9, 9, 9, 9)}
    named = {
        "named-in-hooks.pt": (EMPTY_DICT + U("w") + tensor("1") + BINPUT(5) + SETITEM + U("v") + G("torch._utils", "_rebuild_parameter") + MARK
                              + tensor("0") + FALSE + EMPTY_DICT + I(1) + BINGET(5) + SETITEM + TUPLE + REDUCE + SETITEM, ["w", "v"]),
        # The hooks come first, the name after them.
        "named-in-hooks-later.pt": (EMPTY_DICT + U("v") + G("torch._utils", "_rebuild_parameter") + MARK + tensor("0") + FALSE + EMPTY_DICT
                                    + I(1) + tensor("1") + BINPUT(5) + SETITEM + TUPLE + REDUCE + SETITEM + U("w") + BINGET(5) + SETITEM, ["v", "w"]),
        "named-in-attributes.pt": (EMPTY_DICT + U("w") + tensor("1") + BINPUT(5) + SETITEM + U("v")
                                   + typed("0", EMPTY_DICT + U("note") + BINGET(5) + SETITEM) + SETITEM, ["w", "v"]),
        "named-in-odict-state.pt": (EMPTY_DICT + U("w") + tensor("1") + BINPUT(5) + SETITEM + U("o") + ODICT + EMPTY_DICT + U("x") + BINGET(5)
                                    + SETITEM + BUILD + SETITEM, ["w"]),
    }
    for name, (named_body, names) in named.items():
        write(name, named_body, nines)
        files[name] = {"tensors": names}
    # torch-65a (hunt-64c L5): a FRAME that declares more bytes than follow it. pickle.py reads
    # the bytes there are, up to sys.maxsize; the C unpickler fails; torch.load's default
    # refuses every FRAME.
    for name, length, reason in [("frame-too-long.pt", len(body) + 1 + 100, f"the FRAME at byte 2 declares {len(body) + 1 + 100} bytes where 134 follow its length"),
                                 ("frame-over-maxsize.pt", 2**63 + 5, "the FRAME at byte 2 declares 9223372036854775813 bytes where 134 follow its "
                                  "length, more than sys.maxsize")]:
        write(name, body, {"0": OK}, header=proto4 + FRAME(length))
        files[name] = dict(pickle_malformed(reason), frame="too long")
    # torch-65a (hunt-64c L6): a BUILD on a set() call or a torch.Size (pickle's default BUILD,
    # which fails on a state that is not empty or false), on bytes (never built); saved
    # attributes torch.load's setattr refuses whatever the value.
    holder = EMPTY_DICT + U("w") + tensor("0") + SETITEM
    set_call = G("builtins", "set") + EMPTY_LIST + TUPLE1 + REDUCE
    size_call = G("torch", "Size") + EMPTY_LIST + TUPLE1 + REDUCE
    builds = {
        "notdict-build-set-call.pt": (U("s") + set_call + NONE + EMPTY_DICT + U("a") + I(1) + SETITEM + TUPLE2 + BUILD,
                                      "a BUILD on a set at 's' has a state that is not empty or false"),
        "notdict-build-size.pt": (U("z") + size_call + I(1) + BUILD, "a BUILD on a torch.Size at 'z' has a state that is not empty or false"),
        "notdict-build-bytes.pt": (U("b") + G("_codecs", "encode") + U("a") + U("latin1") + TUPLE2 + REDUCE + NONE + BUILD,
                                   "a BUILD on a bytes at 'b': torch.load's weights-only unpickler builds only"),
    }
    for name, (extra, reason) in builds.items():
        write(name, holder + extra + SETITEM, {"0": OK})
        files[name] = {"error": "not-a-torch-checkpoint", "reason_has": reason}
    for name, extra in [("false-build-set-call.pt", U("s") + set_call + NONE + NONE + TUPLE2 + BUILD),
                        ("false-build-size.pt", U("z") + size_call + NONE + BUILD)]:
        write(name, holder + extra + SETITEM, {"0": OK})
        files[name] = {"tensors": ["w"]}
    for key in ("dtype", "shape"):
        write(f"attr-{key}.pt", EMPTY_DICT + U("w") + typed("0", EMPTY_DICT + U(key) + I(3) + SETITEM) + SETITEM, {"0": OK})
        files[f"attr-{key}.pt"] = refused("w", f"its saved attribute {key} is set by torch.load with setattr, which fails on it whatever the value")
    write("attr-param-is_leaf.pt", EMPTY_DICT + U("w") + parameter(tensor("0"), state=NONE + EMPTY_DICT + U("is_leaf") + TRUE + SETITEM + TUPLE2)
          + SETITEM, {"0": OK})
    files["attr-param-is_leaf.pt"] = refused("w", "its saved attribute is_leaf is set by torch.load with setattr, which fails on it")
    write_read_only_attributes()
    # A saved requires_grad (helper-200, left out there): setattr takes a bool, and True only on
    # a floating point or complex tensor.
    long_values = struct.pack("<4q", 1, 2, 3, 4)
    for name, key_value, options, storages, tool in [
        ("attr-requires_grad-int.pt", I(1), {}, {"0": OK}, refused("w", "its saved attribute requires_grad is set by torch.load with setattr, which fails on a value that is not a bool")),
        ("attr-requires_grad-long.pt", TRUE, {"cls": "LongStorage"}, {"0": long_values}, refused("w", "it requires gradients but is int64")),
        ("attr-requires_grad-long-false.pt", FALSE, {"cls": "LongStorage"}, {"0": long_values}, {"tensors": ["w"]}),
        ("attr-requires_grad-true.pt", TRUE, {}, {"0": OK}, {"tensors": ["w"]}),
    ]:
        write(name, EMPTY_DICT + U("w") + typed("0", EMPTY_DICT + U("requires_grad") + key_value + SETITEM, **options) + SETITEM, storages)
        files[name] = tool
    write("attr-requires_grad-last.pt", EMPTY_DICT + U("w") + typed("0", EMPTY_DICT + U("requires_grad") + I(1) + SETITEM
          + U("requires_grad") + TRUE + SETITEM, cls="LongStorage") + SETITEM, {"0": long_values})
    files["attr-requires_grad-last.pt"] = refused("w", "it requires gradients but is int64")
    # torch-65a (hunt-64c L7): BUILD states shared through the memo, which the walk searched once
    # per BUILD and refused at its budget (8 objects a byte): 1,000 BUILDs of one memoised
    # (True, None, hooks) state, and 1,000 fresh states sharing one hooks dict, whose 1,000
    # entries torch.load keeps as the Parameter's _backward_hooks.
    hooks_dict = EMPTY_DICT + BINPUT(2) + MARK + b"".join(I(i) + NONE for i in range(1000)) + b"u"
    shared_state = MARK + TRUE + NONE + hooks_dict + TUPLE + BINPUT(1)
    write("build-shared-state.pt", EMPTY_DICT + U("w") + parameter(tensor("0")) + shared_state + BUILD + (b"h\x01" + BUILD) * 999 + SETITEM,
          {"0": OK})
    files["build-shared-state.pt"] = {"tensors": ["w"], "requires_grad": {"w": True}}
    write("build-shared-hooks.pt", EMPTY_DICT + U("w") + parameter(tensor("0")) + MARK + TRUE + NONE + hooks_dict + TUPLE + BUILD
          + (MARK + TRUE + NONE + b"h\x02" + TUPLE + BUILD) * 999 + SETITEM, {"0": OK})
    files["build-shared-hooks.pt"] = {"tensors": ["w"], "requires_grad": {"w": True}}

    expected = {}
    for name, tool in files.items():
        view = torch_view(name)
        if view["loads"] and "tensor" in tool:
            # Whether torch.load's tensor is other than the stored values: empty, or elements
            # found nowhere in the (stored, uncompressed) file.
            loaded = view["tensors"][tool["tensor"]]
            with open(path(name), "rb") as f:
                whole = f.read()
            view["differs_from_stored"] = 0 in loaded["shape"] or bytes.fromhex(loaded["bytes_hex"]) not in whole
        expected[name] = {"tool": tool, "torch": view, "bytes": os.path.getsize(path(name))}
        if name.startswith("frame-"):
            expected[name]["unpicklers"] = unpicklers_view(name)
    with open(path("expected.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "files": expected}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
