; blink.s -- Arduino style: setup() runs once, then loop() over and over;
; the host regains control between loop() calls and while delay() sleeps.
; Toggles the LED on pin 13 every 500 ms.
;
;   cockpit run examples/blink.s --trace --max-ms 2000

.entry setup loop
.global state                           ; LED level, starts LOW

.func setup 0
        LDI     r0, 13                  ; pinMode(13, OUTPUT)
        LDI     r1, 1
        SYS     r0, pinMode, 2
        RET0
.end

.func loop 0
        LDG     r1, state               ; state = !state
        LNOT    r1, r1
        STG     r1, state
        LDI     r0, 13                  ; digitalWrite(13, state)
        SYS     r0, digitalWrite, 2
        LDI     r0, 500                 ; delay(500)
        SYS     r0, delay, 1
        RET0
.end
