double half(int x);
int main(void) { return 0; }
