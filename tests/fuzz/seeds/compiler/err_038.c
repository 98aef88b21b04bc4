int f(int a);
int f(unsigned a) { return (int)a; }
int main(void) { return f(1); }
