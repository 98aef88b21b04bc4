/* FizzBuzz with a switch on a remainder pattern. */
#include <stdio.h>

int main(void) {
  for (int i = 1; i <= 30; i++) {
    switch ((i % 3 == 0) + 2 * (i % 5 == 0)) {
      case 0: printf("%d", i); break;
      case 1: printf("Fizz"); break;
      case 2: printf("Buzz"); break;
      case 3: printf("FizzBuzz"); break;
    }
    putchar(i % 10 ? ' ' : '\n');
  }
  return 0;
}
