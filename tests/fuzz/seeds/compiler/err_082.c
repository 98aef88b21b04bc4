#ifndef BOARD_OK
#error not for this board
#endif
int main(void) { return 0; }
