#ifdef X
int main(void) { return 0; }
