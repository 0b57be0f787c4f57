/*
 * cxx.cc -- a small C++ program: the standard library at work.
 *
 * Demonstrates: output with iostream, a std::vector<std::string> built and
 * sorted, std::string concatenation, a std::map counting words, and an
 * exception thrown in a helper function and caught in main.  Everything here
 * allocates on the heap behind the scenes (operator new), so the program is
 * a good one to run under Memcheck: all of it is freed again before exit.
 *
 * In the disassembly, look for the mangled C++ names (for example
 * _ZNSt6vectorI...) and for the calls into the C++ runtime that throw and
 * catch (__cxa_allocate_exception, __cxa_throw, __cxa_begin_catch).  The
 * dynamic build reaches libstdc++ through the PLT; the static build has it
 * linked inside.
 */
#include <algorithm>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

/* A helper that refuses bad input by throwing; the caller decides what to do. */
static int checked_divide(int a, int b)
{
    if (b == 0)
        throw std::invalid_argument("division of " + std::to_string(a) + " by zero");
    return a / b;
}

int main()
{
    /* A vector grows as elements are pushed; each string owns its own buffer. */
    std::vector<std::string> fruits = {"pear", "apple", "fig"};
    fruits.push_back("banana");
    std::sort(fruits.begin(), fruits.end());
    std::cout << "sorted:";
    for (const std::string &f : fruits)
        std::cout << ' ' << f;
    std::cout << '\n';

    /* operator+ builds a new string from the pieces. */
    std::string greeting = std::string("Hello") + ", " + "C++" + "!";
    std::cout << greeting << " (" << greeting.size() << " characters)\n";

    /* A map keeps its keys sorted; operator[] inserts a zero the first time. */
    const char *words[] = {"the", "cat", "saw", "the", "dog", "and", "the", "cat"};
    std::map<std::string, int> counts;
    for (const char *w : words)
        ++counts[w];
    for (const auto &entry : counts)
        std::cout << "count " << entry.first << " = " << entry.second << '\n';

    /* The exception unwinds out of checked_divide and lands in the catch. */
    std::cout << "12 / 4 = " << checked_divide(12, 4) << '\n';
    try {
        int q = checked_divide(7, 0);
        std::cout << "7 / 0 = " << q << " (not reached)\n";
    } catch (const std::invalid_argument &e) {
        std::cout << "caught invalid_argument: " << e.what() << '\n';
    }

    std::cout << "Goodbye." << std::endl;
    return 0;
}
