// generate_stack N > stack.yaml: writes the benchmark's synthetic compose file.
#include <cstdlib>
#include <iostream>

#include "loader/generate_stack.h"

int main(int argc, char** argv) {
  int services = argc > 1 ? std::atoi(argv[1]) : 1000;
  std::cout << bench::generate_stack(services);
  return 0;
}
