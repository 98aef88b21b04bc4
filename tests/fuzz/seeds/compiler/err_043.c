int main(void) {
  const int k = 1;
  k++;
  return k;
}
