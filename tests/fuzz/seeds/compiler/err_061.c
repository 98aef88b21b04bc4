int main(void) {
  digitalWrite(13, 1);
  return 0;
}
