#!/bin/sh
# The container's entrypoint: one process of the platform per container.
#   migrate                                   apply every schema's migrations, then exit
#   org | activities | funding | assessment   one replica of a service
#   gateway                                   one replica of the gateway
set -eu
cd /app
case "${1:-gateway}" in
  migrate) exec python -m deploy.migrate ;;
  gateway) exec nameko run --config deploy/nameko.yaml gateway.service:GatewayService ;;
  org) exec nameko run --config deploy/nameko.yaml services.org.service:OrgService ;;
  activities) exec nameko run --config deploy/nameko.yaml services.activities.service:ActivitiesService ;;
  funding) exec nameko run --config deploy/nameko.yaml services.funding.service:FundingService ;;
  assessment) exec nameko run --config deploy/nameko.yaml services.assessment.service:AssessmentService ;;
  *) exec "$@" ;;
esac
