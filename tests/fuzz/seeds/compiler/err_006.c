int f(char *s) { return 0; }
int main(void) { return 0; }
