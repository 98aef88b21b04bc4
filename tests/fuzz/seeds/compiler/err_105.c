int f(int a[]) { return a[0]; }
const int k[2] = { 1, 2 };
int main(void) { return f(k); }
