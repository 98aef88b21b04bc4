#define SQ(x) ((x) * (x))
int main(void) { return 0; }
