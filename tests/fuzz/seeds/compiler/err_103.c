int later(int x);
int main(void) { return later(1); }
