int a[2][2][2][2][2];
int main(void) { return 0; }
