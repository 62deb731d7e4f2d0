#pragma once
// Creating the librdkafka client behind a Producer or a Consumer: the
// configuration from its properties, our event callback (client_log.h)
// and the one callback that kind of client needs (delivery reports for a
// producer, rebalances for a group consumer), then the client itself,
// whose librdkafka name the event callback logs under. Either failure
// throws KafkaError: "cannot configure the <kind>: ..." or "cannot create
// the Kafka <kind>: ...".

#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <string>

#include "common/kafka/client_log.h"
#include "common/kafka/error.h"
#include "common/kafka/properties.h"

namespace e911::kafka {

// `Client` is RdKafka::Producer or RdKafka::KafkaConsumer; `callback_name`
// is librdkafka's property for `callback` ("dr_cb", "rebalance_cb"); `kind`
// ("producer", "consumer") is for the messages.
template <typename Client, typename Callback>
std::unique_ptr<Client> create_client(const Properties& props, ClientEvents& events, const std::string& callback_name,
                                      Callback* callback, const std::string& kind) {
  auto conf = make_conf(props);
  std::string errstr;
  if (conf->set("event_cb", static_cast<RdKafka::EventCb*>(&events), errstr) != RdKafka::Conf::CONF_OK ||
      conf->set(callback_name, callback, errstr) != RdKafka::Conf::CONF_OK) {
    throw KafkaError("cannot configure the " + kind + ": " + errstr);
  }
  std::unique_ptr<Client> client(Client::create(conf.get(), errstr));
  if (!client) throw KafkaError("cannot create the Kafka " + kind + ": " + errstr);
  events.set_client_name(client->name());
  return client;
}

}  // namespace e911::kafka
