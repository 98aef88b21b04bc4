char s[3] = "hello";
int main(void) { return s[0]; }
