/* Host calls whose results do not depend on time: GPIO read-back, the
** pull-up, the ADC channels above 0, device id, the random sequence from
** the seed, SPI loopback, an I2C NACK, events, the serial port closed and
** open. */
// run: --seed 7 --device-id 0x1234
#include <cockpit.h>
#include <stdio.h>

int main(void) {
  pinMode(13, OUTPUT);
  digitalWrite(13, HIGH);
  pinMode(5, INPUT_PULLUP);
  pinMode(6, INPUT);
  printf("led %d pullup %d input %d\n", digitalRead(13), digitalRead(5), digitalRead(6));
  digitalWrite(13, LOW);
  printf("led %d\n", digitalRead(13));
  for (int ch = 1; ch < 8; ch++) printf("%d ", analogRead(ch));
  printf("\n");
  analogWrite(3, 128);
  printf("id %x\n", device_id());
  for (int i = 0; i < 5; i++) printf("%d ", random(1000));
  printf("\n");
  printf("spi %d\n", spi_transfer(0x5A));
  uint8_t b[2] = { 1, 2 };
  printf("i2c nack %d\n", i2c_write(0x21, b, 2) < 0);
  event_emit("boot", 1);
  printf("uart closed %d\n", uart_write('x'));
  uart_begin(115200);
  printf("uart open %d avail %d\n", uart_write('!'), uart_available());
  printf("\n");
  return 0;
}
