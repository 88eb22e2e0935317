// Custom errors of the hello example; numbers only ever grow.
#ifndef HELLO_ERROR_H
#define HELLO_ERROR_H

enum HelloError {
  HELLO_ERROR_UNKNOWN_INSTRUCTION = 1,
  HELLO_ERROR_WRONG_VAULT = 2,
  HELLO_ERROR_WRONG_SYSTEM_PROGRAM = 3,
};

#endif
