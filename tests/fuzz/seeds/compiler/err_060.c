int main(void) {
  return missing(3);
}
