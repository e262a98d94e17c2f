"""The globals a pickle names, read by Python's own unpickler with every global stubbed out:
nothing is imported and nothing is called. Shared by the torch fixture generators
(TestData/pytorch/generate.py, TestData/pytorch-safe-globals/generate.py)."""
import io
import pickle


class _Stub:
    """Anything a hostile pickle names: accepts every call, never runs code."""

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return _Stub()

    def __setstate__(self, state):
        pass

    def __setitem__(self, key, value):
        pass

    def append(self, value):
        pass

    def extend(self, values):
        pass

    def add(self, value):
        pass


class RecordingUnpickler(pickle.Unpickler):
    """Python's own unpickler with every global replaced by a stub: lists the globals a pickle names."""

    def __init__(self, data):
        super().__init__(io.BytesIO(data))
        self.globals = []

    def find_class(self, module, name):
        full = f"{module}.{name}"
        if full not in self.globals:
            self.globals.append(full)
        return _Stub

    def persistent_load(self, pid):
        return _Stub()


def pickle_globals(data):
    """The globals the pickle `data` names, in the order it first names them."""
    unpickler = RecordingUnpickler(data)
    unpickler.load()
    return unpickler.globals
