struct point { int x, y; };
int main(void) { return 0; }
