int f(int a[]) {
  return sizeof a;
}
int main(void) { return 0; }
