/*
 * The i8042 keyboard controller's ports, status bits, commands and
 * configuration byte (IBM PC/AT Technical Reference, "Keyboard
 * Controller"; the OSDev "8042 PS/2 Controller" notes), and the PS/2
 * device commands the drivers send through it.
 */
#ifndef DRIVERS_I8042_REGS_H
#define DRIVERS_I8042_REGS_H

#define I8042_DATA   0x60
#define I8042_STATUS 0x64 /* read */
#define I8042_CMD    0x64 /* write */

#define I8042_ST_OUT_FULL 0x01
#define I8042_ST_IN_FULL  0x02
#define I8042_ST_AUX	  0x20 /* the byte in the output buffer is from port 2 */

#define I8042_CMD_READ_CONFIG	0x20
#define I8042_CMD_WRITE_CONFIG	0x60
#define I8042_CMD_DISABLE_PORT2 0xa7
#define I8042_CMD_ENABLE_PORT2	0xa8
#define I8042_CMD_DISABLE_PORT1 0xad
#define I8042_CMD_ENABLE_PORT1	0xae
#define I8042_CMD_WRITE_PORT2	0xd4 /* the next data byte goes to the aux device */

#define I8042_CFG_IRQ1	      0x01
#define I8042_CFG_IRQ12	      0x02
#define I8042_CFG_PORT1_CLOCK 0x10 /* set: port 1 clock disabled */
#define I8042_CFG_PORT2_CLOCK 0x20 /* set: port 2 clock disabled */
#define I8042_CFG_TRANSLATE   0x40

#define I8042_KBD_IRQ 1
#define I8042_AUX_IRQ 12

/* PS/2 mouse commands and replies (IBM PS/2 Mouse Technical Reference). */
#define PS2_MOUSE_SET_SAMPLE_RATE 0xf3
#define PS2_MOUSE_ENABLE_REPORT	  0xf4
#define PS2_MOUSE_DISABLE_REPORT  0xf5
#define PS2_MOUSE_SET_DEFAULTS	  0xf6
#define PS2_ACK			  0xfa

#endif
