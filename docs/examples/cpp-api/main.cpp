// Theorem 1's rate checked from C++, as a user's own regression test would: a small grid, 8
// replicates, the verdict table printed, and the exit code of `signrate verify`.
#include <iostream>

#include "signrate/analysis/verify.hpp"

int main() {
  signrate::VerifyOptions o;
  o.theorem = "thm1";
  o.d = {16, 64, 256};
  o.T = {256, 1024, 4096, 16384};
  o.replicates = 8;
  const signrate::VerifyReport r = signrate::verify(o);
  std::cout << r.table();
  return r.exit_code(false);  // 0 holds, 3 exceeded or violated, 4 inconclusive
}
