#include <iostream>
int main() { std::cout << "e911\n"; return 0; }
