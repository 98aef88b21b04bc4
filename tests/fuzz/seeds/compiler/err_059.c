int f(byte b) { return b; }
int main(void) { return 0; }
