int main(void) {
  count = 1;
  count++;
  return count;
}
