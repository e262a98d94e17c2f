#include "unicode.h"
#include <cstdio>
#include <cstdint>
static bool is_chinese_char(uint32_t cpt) {
    return (cpt >= 0x04E00 && cpt <= 0x09FFF) || (cpt >= 0x03400 && cpt <= 0x04DBF) || (cpt >= 0x20000 && cpt <= 0x2A6DF) ||
           (cpt >= 0x2A700 && cpt <= 0x2B73F) || (cpt >= 0x2B740 && cpt <= 0x2B81F) || (cpt >= 0x2B920 && cpt <= 0x2CEAF) ||
           (cpt >= 0x0F900 && cpt <= 0x0FAFF) || (cpt >= 0x2F800 && cpt <= 0x2FA1F);
}
static void ranges(const char *name, bool (*pred)(uint32_t)) {
    printf("%s", name); long start = -1;
    for (uint32_t c = 0; c <= 0x110000; c++) {
        bool in = c < 0x110000 && pred(c);
        if (in && start < 0) start = c;
        if (!in && start >= 0) { printf(" %lx-%x", start, c - 1); start = -1; }
    }
    printf("\n");
}
static bool isolated(uint32_t c) { auto f = unicode_cpt_flags_from_cpt(c); return !f.is_whitespace && !(c == 0 || c == 0xFFFD || f.is_control) && (f.is_punctuation || (c < 0x7F && f.is_symbol)); }
static bool chinese(uint32_t c) { auto f = unicode_cpt_flags_from_cpt(c); return !f.is_whitespace && !f.is_punctuation && is_chinese_char(c); }
static bool white(uint32_t c) { return unicode_cpt_flags_from_cpt(c).is_whitespace; }
static bool dropped(uint32_t c) { auto f = unicode_cpt_flags_from_cpt(c); return !f.is_whitespace && (c == 0 || c == 0xFFFD || f.is_control); }
int main() { ranges("isolated", isolated); ranges("chinese", chinese); ranges("whitespace", white); ranges("dropped", dropped); }
