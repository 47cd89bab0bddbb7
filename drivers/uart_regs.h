/*
 * 16550A UART registers (TI PC16550D datasheet, table 2). Offsets from the
 * port base; DLL/DLM replace RBR/THR/IER while LCR.DLAB is set.
 */
#ifndef DRIVERS_UART_REGS_H
#define DRIVERS_UART_REGS_H

#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_DLL 0 /* divisor latch low (DLAB) */
#define UART_IER 1 /* interrupt enable */
#define UART_DLM 1 /* divisor latch high (DLAB) */
#define UART_IIR 2 /* interrupt identification (read) */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */
#define UART_MSR 6 /* modem status */
#define UART_SCR 7 /* scratch */

#define UART_IER_RDI  0x01 /* received data available */
#define UART_IER_THRI 0x02 /* transmit holding register empty */

#define UART_IIR_NO_INT	 0x01
#define UART_IIR_ID	 0x0e
#define UART_IIR_THRI	 0x02
#define UART_IIR_RDI	 0x04
#define UART_IIR_RLSI	 0x06
#define UART_IIR_TIMEOUT 0x0c

#define UART_FCR_ENABLE	  0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_FCR_TRIG_14  0xc0

#define UART_LCR_8N1  0x03
#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT2 0x08 /* gates the UART's interrupt line on PCs */
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR   0x01 /* data ready */
#define UART_LSR_THRE 0x20 /* transmit holding register empty */
#define UART_LSR_TEMT 0x40 /* transmitter empty */

#define UART_CLOCK_HZ  1843200
#define UART_FIFO_SIZE 16

#endif
