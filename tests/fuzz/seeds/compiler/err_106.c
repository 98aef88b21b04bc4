int f(int a[]) { return a[0]; }
int main(void) { return f(5); }
