void setup(void) { }
