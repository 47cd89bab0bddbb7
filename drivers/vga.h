/*
 * VGA text console (drivers/vga.c): 80x25 through a terminal emulator
 * (kernel/tty/vtemu.h) with a 500-line scroll-back, shared by the kernel
 * log and the VGA tty (kernel/tty/tty_vga.c).
 */
#ifndef DRIVERS_VGA_H
#define DRIVERS_VGA_H

#include <stddef.h>
#include <stdint.h>

void vga_console_init(void);
/* Bytes from the VGA tty, already output-processed by its ldisc. Safe
 * with interrupts off. */
void vga_tty_output(const uint8_t *buf, size_t n);
/* Answers the emulator owes the program (cursor position reports), to be
 * fed back as typed input: up to size bytes, their number returned. */
size_t vga_take_replies(char *out, size_t size);
/* Move the view through the history by half-screens (negative: forward). */
void vga_scroll_pages(int pages);

#endif
