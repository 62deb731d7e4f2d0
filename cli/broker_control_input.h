#pragma once
// The wait of `e911 broker` until SIGTERM or SIGINT, reading control lines
// meanwhile with --control (cli/broker_control.h): each line on standard
// input is answered with one line on standard output and logged. A line
// longer than 4096 bytes is answered with an error and dropped in bounded
// memory. The end of standard input stops the reading only: a harness
// that closes its pipe must not stop the cluster under its pipeline.

#include <signal.h>

#include "common/kafka/embedded_broker.h"
#include "common/log.h"

namespace e911::cli {

// `stop_signals` must be blocked in every thread (kafka::block_stop_signals()
// before any thread starts): they are read from a signalfd. Returns the
// signal that came; without `control` (nullptr) it only waits. Throws
// kafka::KafkaError if it cannot wait (signalfd or poll failing).
int wait_for_stop_signal(const sigset_t& stop_signals, kafka::EmbeddedBroker* control, const Logger& log);

}  // namespace e911::cli
