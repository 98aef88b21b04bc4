int g;
unsigned g;
int main(void) { return 0; }
