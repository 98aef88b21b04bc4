int f(void) { return; }
int main(void) { return f(); }
