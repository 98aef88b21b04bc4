/* nobuild: not C at all, so neither gcc nor the VM compiler builds it. */
int main(void) { return 0 }
