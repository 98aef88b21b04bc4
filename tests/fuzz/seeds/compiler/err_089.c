void main(void) { }
