#warning check the pins
int main(void) { return 0; }
