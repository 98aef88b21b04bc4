#include "cockpit.h"
void delay(int ms) {}
int main(void) { return 0; }
