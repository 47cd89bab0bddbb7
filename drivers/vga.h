/*
 * VGA text console (drivers/vga.c): 80x25, colours from ANSI SGR escape
 * sequences, scrolling, hardware cursor.
 */
#ifndef DRIVERS_VGA_H
#define DRIVERS_VGA_H

void vga_console_init(void);

#endif
