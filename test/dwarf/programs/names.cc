// C++ functions whose names exercise the demangler, each making one invalid
// read so that native memcheck prints its name (test/dwarf/demangle.test.ts).
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

static int peek() {
  int *p = static_cast<int *>(malloc(4));
  int r = p[1];
  free(p);
  return r;
}

namespace ns {
template <typename T> struct Box {
  T v;
  __attribute__((noinline)) T get(const std::vector<T> &xs) const { return static_cast<T>(peek() + xs.size()); }
};
namespace {
__attribute__((noinline)) int hidden(const char *s) { return peek() + *s; }
}
struct Op {
  int x;
  __attribute__((noinline)) bool operator<(const Op &o) const { return peek() + x < o.x; }
  __attribute__((noinline)) Op &operator+=(int d) { x += peek() + d; return *this; }
};
}

__attribute__((noinline)) int f(std::ostream &o) { return peek() + static_cast<int>(o.good()); }
__attribute__((noinline)) int g(const std::string &s, std::string (*fp)(int)) { return peek() + static_cast<int>(s.size()) + (fp != nullptr); }
template <typename K, typename V> __attribute__((noinline)) V lookup(const std::map<K, V> &m, const K &k) {
  auto it = m.find(k);
  return peek() + (it == m.end() ? V() : it->second);
}
__attribute__((noinline)) unsigned h(unsigned long a, const char *const *argv, int (&arr)[3]) { return peek() + a + argv[0][0] + arr[1]; }

int main(int argc, char **argv) {
  int sum = f(std::cout);
  sum += g("x", nullptr);
  sum += ns::Box<long>{1}.get(std::vector<long>{1, 2});
  sum += ns::hidden(argv[0]);
  ns::Op a{1}, b{2};
  sum += a < b;
  a += 3;
  std::map<std::string, int> m{{"k", 1}};
  sum += lookup(m, std::string("k"));
  int arr[3] = {1, 2, 3};
  sum += h(argc, argv, arr);
  auto lambda = [&](int x) { return peek() + x + sum; };
  sum += lambda(argc);
  return sum == 12345;
}
