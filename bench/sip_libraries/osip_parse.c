/* The measurement behind docs/decisions/0007-sip-parser.md: GNU oSIP (libosip2-dev)'s
 * osip_message_parse on the ingest's test INVITE (tests/ingest/sip/cisco-911.sip), with
 * the Call-ID, Request-URI user and one identity header read, 200,000 times.
 * Not built by CMake (the project does not depend on the library):
 *   apt-get install libosip2-dev
 *   cp tests/ingest/sip/cisco-911.sip invite.txt
 *   gcc -O2 bench/sip_libraries/osip_parse.c -o /tmp/p -losipparser2 && /tmp/p
 */
#include <osipparser2/osip_parser.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <stdlib.h>
int main(){ char buf[4096]; FILE*f=fopen("invite.txt","rb"); size_t n=fread(buf,1,sizeof buf,f); parser_init();
 struct timespec a,b; int N=200000; clock_gettime(CLOCK_MONOTONIC,&a); long sink=0;
 for(int i=0;i<N;i++){ osip_message_t*m; osip_message_init(&m); if(osip_message_parse(m,buf,n)!=0){printf("fail\n");return 1;}
   osip_header_t*h=NULL; osip_message_header_get_byname(m,"p-asserted-identity",0,&h); if(h) sink+=strlen(h->hvalue);
   osip_contact_t*c=NULL; osip_message_get_contact(m,0,&c); if(c) sink++;
   sink+=strlen(m->call_id->number); sink+= strlen(m->req_uri->username); osip_message_free(m);}
 clock_gettime(CLOCK_MONOTONIC,&b); printf("%.2f us/msg sink=%ld\n",((b.tv_sec-a.tv_sec)*1e9+(b.tv_nsec-a.tv_nsec))/N/1000.0,sink);}
