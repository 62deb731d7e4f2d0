#include "bench/support/topic_reader.h"

#include <pthread.h>

#include "common/kafka/consumer.h"

namespace e911::bench {

TopicReader::TopicReader(const kafka::Properties& props, std::string group, std::string topic, OnMessage on_message,
                         std::string thread_name)
    : on_message_(std::move(on_message)) {
  thread_ = std::thread([this, props, group, topic, thread_name] {
    pthread_setname_np(pthread_self(), thread_name.substr(0, 15).c_str());
    try {
      kafka::ConsumerOptions o;
      o.group_id = group;
      o.topics = {topic};
      kafka::Consumer c(props, o);
      const kafka::Consumer::Handler h = [this](const kafka::Message& m, const kafka::Ack& ack) {
        on_message_(m, Clock::now());
        ++count_;
        ack.done();
      };
      while (!stop_.load()) c.poll(h, std::chrono::milliseconds(100));
      c.close();
    } catch (const std::exception& e) {
      std::lock_guard lock(mu_);
      error_ = e.what();
    }
  });
}

void TopicReader::stop() {
  if (thread_.joinable()) {
    stop_ = true;
    thread_.join();
  }
}

std::string TopicReader::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

}  // namespace e911::bench
