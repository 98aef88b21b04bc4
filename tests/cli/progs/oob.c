/* oob.c -- writes past the end of an array on line 6. */
int buf[4];

int main(void) {
  for (int i = 0; i <= 4; i++)
    buf[i] = i;
  return buf[0];
}
