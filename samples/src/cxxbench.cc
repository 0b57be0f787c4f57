// cxxbench.cc -- a string-heavy C++ benchmark in four steps.
//
// Demonstrates: the work a typical C++ program spends its time on, through
// the standard library's string and container code rather than our own loops:
//   1. building text: words made of syllables appended to a std::string
//      (operator+=, reallocation as the string grows);
//   2. counting words: the text split into words and each counted in a
//      std::map<std::string, int> (string compares down a red-black tree,
//      node allocation with operator new);
//   3. sorting: every word of the text sorted with std::sort, then the
//      distinct words by falling count (a lambda comparator over strings);
//   4. formatting: a report written through a std::ostringstream (integer
//      and string insertion, std::setw), hashed.
// Each step ends in a checksum, so any difference in how the program ran
// shows up in its output. The pseudo-random words come from a fixed seed:
// the output is the same on every run.
//
// Usage: cxxbench [SCALE]   -- SCALE (default 1, from 1 to 1000) multiplies
// the work: one unit (4000 words) is small enough for grindlab's IR
// interpreter; SCALE 40 is a 0.1-second native workload.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

// xorshift64*, as in bench.c: small, fast and the same everywhere.
class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed ? seed : 1) {}
    uint64_t next()
    {
        state_ ^= state_ >> 12;
        state_ ^= state_ << 25;
        state_ ^= state_ >> 27;
        return state_ * 0x2545F4914F6CDD1DULL;
    }
    // From 0 to n - 1, skewed towards 0 (the product of two uniform draws), so
    // that a few words are common and most are rare.
    unsigned skewed(unsigned n)
    {
        uint64_t a = (next() >> 33) % n;
        uint64_t b = (next() >> 33) % n;
        return static_cast<unsigned>(a * b / n);
    }

private:
    uint64_t state_;
};

// FNV-1a over a string's bytes.
uint64_t fnv1a(uint64_t h, const std::string &s)
{
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

const uint64_t FNV_OFFSET = 0xcbf29ce484222325ULL;

const char *const SYLLABLES[] = {
    "ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "da", "zu", "fe", "gi", "ho", "ju", "ba",
    "ster", "ing", "tion", "al", "er", "or", "an", "is",
};
const unsigned NSYLLABLES = sizeof SYLLABLES / sizeof SYLLABLES[0];

// Step 1: the text, one line of up to 12 words at a time.
std::string build_text(int scale, size_t &words)
{
    Rng rng(2024);
    std::string text;
    words = 4000 * static_cast<size_t>(scale);
    std::string line;
    for (size_t i = 0; i < words; i++) {
        std::string word;
        unsigned n = 1 + rng.skewed(4);
        for (unsigned k = 0; k < n; k++)
            word += SYLLABLES[rng.skewed(NSYLLABLES)];
        if (!line.empty())
            line += ' ';
        line += word;
        if (i % 12 == 11) {
            text += line;
            text += '\n';
            line.clear();
        }
    }
    text += line;
    text += '\n';
    return text;
}

// Step 2: every word of the text, and how often each occurs.
std::map<std::string, int> count_words(const std::string &text, std::vector<std::string> &all)
{
    std::map<std::string, int> counts;
    size_t start = 0;
    for (size_t i = 0; i <= text.size(); i++) {
        if (i == text.size() || text[i] == ' ' || text[i] == '\n') {
            if (i > start) {
                std::string word = text.substr(start, i - start);
                ++counts[word];
                all.push_back(std::move(word));
            }
            start = i + 1;
        }
    }
    return counts;
}

}  // namespace

int main(int argc, char **argv)
{
    int scale = 1;
    if (argc > 1) {
        scale = std::atoi(argv[1]);
        if (scale < 1 || scale > 1000) {
            std::cerr << "usage: " << argv[0] << " [SCALE]  (SCALE from 1 to 1000)\n";
            return 2;
        }
    }
    std::cout << "cxxbench: scale " << scale << '\n';

    size_t words = 0;
    std::string text = build_text(scale, words);
    uint64_t h_text = fnv1a(FNV_OFFSET, text);
    std::cout << "build:  " << words << " words, " << text.size() << " bytes   checksum "
              << std::hex << std::setfill('0') << std::setw(16) << h_text << std::dec << std::setfill(' ') << '\n';

    std::vector<std::string> all;
    std::map<std::string, int> counts = count_words(text, all);
    uint64_t h_count = FNV_OFFSET;
    for (const auto &[word, n] : counts)
        h_count = fnv1a(h_count, word + ':' + std::to_string(n));
    std::cout << "count:  " << counts.size() << " distinct words in a std::map   checksum "
              << std::hex << std::setfill('0') << std::setw(16) << h_count << std::dec << std::setfill(' ') << '\n';

    std::sort(all.begin(), all.end());
    std::vector<std::pair<std::string, int>> ranked(counts.begin(), counts.end());
    std::sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    uint64_t h_sort = FNV_OFFSET;
    for (const auto &w : all)
        h_sort = fnv1a(h_sort, w);
    for (const auto &[word, n] : ranked)
        h_sort = fnv1a(h_sort, word);
    std::cout << "sort:   " << all.size() << " words, then " << ranked.size() << " by count   checksum "
              << std::hex << std::setfill('0') << std::setw(16) << h_sort << std::dec << std::setfill(' ') << '\n';

    // The distinct words by rank, then every word of the sorted text by position.
    std::ostringstream report;
    for (size_t i = 0; i < ranked.size(); i++)
        report << std::setw(6) << i + 1 << ". " << std::left << std::setw(16) << ranked[i].first << std::right
               << std::setw(8) << ranked[i].second << '\n';
    for (size_t i = 0; i < all.size(); i++)
        report << i << '\t' << all[i] << '\n';
    std::string formatted = report.str();
    uint64_t h_format = fnv1a(FNV_OFFSET, formatted);
    std::cout << "format: " << formatted.size() << " bytes through std::ostringstream   checksum "
              << std::hex << std::setfill('0') << std::setw(16) << h_format << std::dec << std::setfill(' ') << '\n';
    std::cout << "top:   ";
    for (size_t i = 0; i < 3 && i < ranked.size(); i++)
        std::cout << ' ' << ranked[i].first << " (" << ranked[i].second << ')';
    std::cout << '\n';

    uint64_t total = h_text;
    for (uint64_t h : { h_count, h_sort, h_format })
        total = total * 0x9E3779B97F4A7C15ULL ^ h;
    std::cout << "total checksum " << std::hex << std::setfill('0') << std::setw(16) << total << '\n';
    return 0;
}
