typedef int row[4];
int main(void) { return 0; }
