extern int shared;
int main(void) { return 0; }
