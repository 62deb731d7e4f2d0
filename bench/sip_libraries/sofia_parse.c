/* The measurement behind docs/decisions/0007-sip-parser.md: Sofia-SIP (libsofia-sip-ua-dev)'s
 * msg_make on the ingest's test INVITE (tests/ingest/sip/cisco-911.sip), with
 * the Call-ID, Request-URI user and one identity header read, 200,000 times.
 * Not built by CMake (the project does not depend on the library):
 *   apt-get install libsofia-sip-ua-dev
 *   cp tests/ingest/sip/cisco-911.sip invite.txt
 *   gcc -O2 bench/sip_libraries/sofia_parse.c -o /tmp/p $(pkg-config --cflags --libs sofia-sip-ua) && /tmp/p
 */
#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_parser.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
int main(){ char buf[4096]; FILE*f=fopen("invite.txt","rb"); size_t n=fread(buf,1,sizeof buf,f);
 struct timespec a,b; int N=200000; clock_gettime(CLOCK_MONOTONIC,&a); long sink=0;
 for(int i=0;i<N;i++){ msg_t*m=msg_make(sip_default_mclass(),0,buf,n); if(!m){printf("fail\n");return 1;}
   sip_t*s=sip_object(m); if(!s||!s->sip_call_id){printf("fail2\n");return 1;} sink+=strlen(s->sip_call_id->i_id); sink+=strlen(s->sip_request->rq_url->url_user);
   if(s->sip_from) sink++;
   msg_destroy(m);}
 clock_gettime(CLOCK_MONOTONIC,&b); printf("%.2f us/msg sink=%ld\n",((b.tv_sec-a.tv_sec)*1e9+(b.tv_nsec-a.tv_nsec))/N/1000.0,sink);}
