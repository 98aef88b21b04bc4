void setup(void) { }
void loop(void) { }
int main(void) { return 0; }
