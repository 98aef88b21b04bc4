int main(void) {
  int s = "text";
  return s;
}
