int f(int a) { return a; }
int a[2];
int main(void) { return f(a); }
