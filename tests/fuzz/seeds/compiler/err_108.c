int f(int m[][3]) { return m[0][0]; }
int m[2][4];
int main(void) { return f(m); }
